// Gcmain calls runtime.GC from main between two lines of output (GC work
// must not look like idle to the host), then collects garbage made by a
// second goroutine and forces another collection.
package main

import (
	"fmt"
	"runtime"
)

var sink [][]byte

func main() {
	fmt.Println("before GC")
	runtime.GC()
	fmt.Println("after GC")
	done := make(chan int)
	go func() {
		n := 0
		for i := 0; i < 2000; i++ {
			sink = append(sink, make([]byte, 4096))
			if len(sink) > 64 {
				sink = sink[:0]
			}
			n += i
		}
		done <- n
	}()
	fmt.Println("sum", <-done)
	runtime.GC()
	fmt.Println("after second GC")
}
