// Goroutinebomb starts goroutines that block for ever until the runtime runs
// out of memory (first argument: how many, default 1000000), printing a line
// every 100000.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	block := make(chan struct{})
	for i := range n {
		go func() { <-block }()
		if i%100000 == 0 {
			fmt.Println("started", i)
		}
	}
	fmt.Println("all started")
	<-block
}
