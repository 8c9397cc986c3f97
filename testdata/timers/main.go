// Timers sleeps and waits on timers of several lengths and prints each
// label in the order the timers fire: concurrent time.Sleep calls of 1, 10,
// 50 and 120 ms, a time.Ticker read three times, time.After in a select,
// and a stopped time.Timer that must never fire.
package main

import (
	"fmt"
	"time"
)

func main() {
	woke := make(chan string)
	for _, ms := range []int{120, 50, 10, 1} {
		go func() {
			time.Sleep(time.Duration(ms) * time.Millisecond)
			woke <- fmt.Sprintf("slept %dms", ms)
		}()
	}
	for range 4 {
		fmt.Println(<-woke)
	}

	ticker := time.NewTicker(20 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		<-ticker.C
		fmt.Println("tick", i)
	}
	ticker.Stop()

	stopped := time.NewTimer(5 * time.Millisecond)
	stopped.Stop()
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("never")
	case <-stopped.C:
		fmt.Println("stopped timer fired")
	case <-time.After(30 * time.Millisecond):
		fmt.Println("after 30ms")
	}
	fmt.Println("timers done")
}
