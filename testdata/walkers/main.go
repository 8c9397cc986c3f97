// Walkers is the sweep example: WALKERS goroutines (default 8) each take a
// random step of -1 or +1 after a random pause of 1 to 20 ms, for
// DURATION_MS milliseconds (default 1000) of program time; then main prints
// the walkers' final positions and the sum of their distances from 0, and
// returns. Positions are shared as "walkers" ([]int32). Randomness comes
// from math/rand, so the host's seed decides the run. With PANIC set, main
// panics halfway through ("walker lost: ..."), to test failing runs; with
// TRAP set, main reads far outside its linear memory, a WebAssembly trap
// that wasmtime detects through a signal handler (not a Go panic).
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"reactorframe/guest"
)

func intEnv(name string, fallback int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return fallback
}

func main() {
	n := intEnv("WALKERS", 8)
	duration := time.Duration(intEnv("DURATION_MS", 1000)) * time.Millisecond
	positions := make([]int32, n)
	guest.Share("walkers", positions)

	start := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range positions {
		pause := make([]time.Duration, 0, 64)
		moves := make([]int32, 0, 64)
		for total := time.Duration(0); total < duration; {
			p := time.Duration(1+rand.Intn(20)) * time.Millisecond
			total += p
			pause = append(pause, p)
			moves = append(moves, int32(2*rand.Intn(2)-1))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, p := range pause {
				time.Sleep(p)
				if time.Since(start) > duration {
					return
				}
				mu.Lock()
				positions[i] += moves[k]
				mu.Unlock()
			}
		}()
	}
	if os.Getenv("TRAP") != "" {
		far := uintptr(0xfffffff0)
		fmt.Println(*(*int32)(unsafe.Pointer(far)))
	}
	if os.Getenv("PANIC") != "" {
		time.Sleep(duration / 2)
		panic(fmt.Sprintf("walker lost: position %d at %v", positions[0], time.Since(start)))
	}
	wg.Wait()
	sum := 0
	for _, p := range positions {
		sum += int(max(p, -p))
	}
	fmt.Println("positions", positions)
	fmt.Println("distance", sum)
}
