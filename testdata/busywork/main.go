// Busywork runs N goroutines (first argument, default 50), each doing a
// fixed number of chunks of CPU work (second argument, default 20) and
// calling runtime.Gosched between chunks. A chunk is a fixed count of
// arithmetic steps (about 0.2 ms in wasmtime on the reference machine; the
// count never depends on time). Main prints a checksum when all are done.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

// chunkSteps is calibrated so that one chunk takes about 0.2 ms.
const chunkSteps = 110000

func chunk(x uint64) uint64 {
	for range chunkSteps {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

func arg(i, def int) int {
	if len(os.Args) > i {
		if v, err := strconv.Atoi(os.Args[i]); err == nil && v > 0 {
			return v
		}
	}
	return def
}

func main() {
	workers, chunks := arg(1, 50), arg(2, 20)
	sums := make([]uint64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := uint64(w) + 1
			for range chunks {
				x = chunk(x)
				runtime.Gosched()
			}
			sums[w] = x
		}()
	}
	wg.Wait()
	var sum uint64
	for _, s := range sums {
		sum ^= s
	}
	fmt.Printf("busywork %d goroutines %d chunks checksum %016x\n", workers, chunks, sum)
}
