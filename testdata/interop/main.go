// Interop calls host functions imported with //go:wasmimport (module
// "host": add, log_i64, mul_f64) and exports functions with
// //go:wasmexport for the host to call between ticks: double, counter
// (advanced by goroutines) and poke (a non-blocking send that main's loop
// receives and reports as "poked N"). Main never returns.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

//go:wasmimport host add
func add(a, b int32) int32

//go:wasmimport host log_i64
func logI64(v int64)

//go:wasmimport host mul_f64
func mulF64(a, b float64) float64

var (
	count atomic.Int64
	pokes = make(chan int, 8)
	poked int
)

//go:wasmexport double
func double(x int32) int32 { return 2 * x }

//go:wasmexport counter
func counter() int64 { return count.Load() }

//go:wasmexport poke
func poke() {
	poked++
	select {
	case pokes <- poked:
	default: // full: drop this poke
	}
}

func main() {
	fmt.Println("add", add(2, 3))
	logI64(-1 << 40)
	fmt.Println("mul", mulF64(1.5, 4))

	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter", count.Load())

	for n := range pokes {
		fmt.Println("poked", n)
	}
}
