// Command snapshot exercises what a snapshot must carry: timers, a ticker,
// channels, a map (printed in Go's randomised iteration order), math/rand,
// crypto/rand and garbage-collector churn. Inputs arrive through the
// snap_input export; some of them end the program in a chosen way.
package main

import (
	crand "crypto/rand"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"time"
)

var (
	inputs = make(chan int32, 64)
	counts = map[string]int{}
	kept   [][]byte
	big    [][]byte
)

func init() {
	fmt.Println("init ran")
}

// snapInput queues one input: 1000+n exits with code n, -1 returns from
// main, -2 panics, -3 keeps 4 MiB more; anything else is added to the total.
//
//go:wasmexport snap_input
func snapInput(v int32) {
	select {
	case inputs <- v:
	default:
	}
}

func worker(id int, results chan<- string) {
	for i := 0; ; i++ {
		garbage := make([][]byte, 0, 32)
		for j := 0; j < 32; j++ {
			garbage = append(garbage, make([]byte, 512+rand.Intn(8192)))
		}
		if rand.Intn(4) == 0 {
			kept = append(kept, garbage[0])
			if len(kept) > 64 {
				kept = kept[16:]
			}
		}
		time.Sleep(time.Duration(2+rand.Intn(9)) * time.Millisecond)
		results <- fmt.Sprintf("w%d", id)
		if i%5 == 4 {
			runtime.Gosched()
		}
	}
}

func main() {
	fmt.Println("main started")
	start := time.Now()
	results := make(chan string)
	for id := 0; id < 3; id++ {
		go worker(id, results)
	}
	ticker := time.NewTicker(25 * time.Millisecond)
	total := int64(0)
	for {
		select {
		case <-ticker.C:
			var b [4]byte
			crand.Read(b[:])
			line := fmt.Sprintf("t=%dms total=%d crypto=%x rand=%d map=", time.Since(start).Milliseconds(),
				total, b, rand.Intn(1000))
			for k, n := range counts {
				line += fmt.Sprintf("%s:%d,", k, n)
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Printf("%s gc=%d\n", line, ms.NumGC)
		case id := <-results:
			counts[id]++
		case v := <-inputs:
			switch {
			case v >= 1000:
				fmt.Printf("exiting with %d\n", v-1000)
				os.Exit(int(v - 1000))
			case v == -1:
				fmt.Println("main returns")
				return
			case v == -3:
				big = append(big, make([]byte, 4<<20))
				fmt.Printf("kept %d MiB\n", 4*len(big))
			case v == -2:
				panic(fmt.Sprintf("asked to panic at total=%d", total))
			default:
				total += int64(v)
				fmt.Printf("input %d total=%d\n", v, total)
			}
		}
	}
}
