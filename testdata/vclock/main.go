// Vclock measures time with time.Now and time.Since around a 250 ms sleep,
// ten ticks of a 16 ms ticker and 10 s of sleeps in 40 steps, and prints
// the elapsed durations and the wall clock at start and end. Under a
// virtual clock that jumps exactly to each timer the output is exact
// ("slept 250ms"); under a real clock the durations are a little longer.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	fmt.Println("start", start.UTC().Format(time.RFC3339Nano))

	t := time.Now()
	time.Sleep(250 * time.Millisecond)
	fmt.Println("slept", time.Since(t))

	t = time.Now()
	ticker := time.NewTicker(16 * time.Millisecond)
	for range 10 {
		<-ticker.C
	}
	ticker.Stop()
	fmt.Println("ticked 10 times in", time.Since(t))

	t = time.Now()
	for range 40 {
		time.Sleep(250 * time.Millisecond)
	}
	fmt.Println("slept 40 steps in", time.Since(t))

	fmt.Println("total", time.Since(start))
	fmt.Println("end", time.Now().UTC().Format(time.RFC3339Nano))
}
