// Manygoroutines starts 2000 goroutines that each do a little arithmetic
// and report through one channel; main prints the count and a checksum.
package main

import "fmt"

const n = 2000

func main() {
	results := make(chan uint64)
	for i := range n {
		go func() {
			x := uint64(i) + 1
			for range 100 {
				x = x*6364136223846793005 + 1442695040888963407
			}
			results <- x
		}()
	}
	var sum uint64
	for range n {
		sum += <-results
	}
	fmt.Printf("goroutines %d checksum %016x\n", n, sum)
}
