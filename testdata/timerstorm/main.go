// Timerstorm starts N goroutines (arg 1, default 1000) that each sleep a
// random 1-10 ms again and again until DURATION ms (arg 2, default 10000) of
// program time have passed, counting their wake-ups. The random sequence is
// fixed (seeded PCG), so on a virtual clock the output is the same every
// run; main prints the wake-up count, a checksum of when they happened and
// the elapsed program time.
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"time"
)

func arg(i, def int) int {
	if len(os.Args) > i {
		if v, err := strconv.Atoi(os.Args[i]); err == nil && v > 0 {
			return v
		}
	}
	return def
}

func main() {
	n, durationMs := arg(1, 1000), arg(2, 10000)
	start := time.Now()
	end := start.Add(time.Duration(durationMs) * time.Millisecond)
	var mu sync.Mutex
	var wakes, sum uint64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for time.Now().Before(end) {
				time.Sleep(time.Duration(1+rng.IntN(10)) * time.Millisecond)
				at := uint64(time.Since(start) / time.Microsecond)
				mu.Lock()
				wakes++
				sum = sum*31 + at + uint64(i)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("timerstorm %d goroutines: %d wake-ups, checksum %016x, %v of program time\n",
		n, wakes, sum, time.Since(start).Round(time.Millisecond))
}
