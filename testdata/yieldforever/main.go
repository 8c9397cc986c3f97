// Yieldforever starts three goroutines that call runtime.Gosched forever
// and never finish; main prints "yielding" and returns.
package main

import (
	"fmt"
	"runtime"
)

var yields [3]uint64

func main() {
	for i := range yields {
		go func() {
			for {
				yields[i]++
				runtime.Gosched()
			}
		}()
	}
	fmt.Println("yielding")
}
