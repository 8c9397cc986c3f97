// Memhog allocates memory in 1 MiB blocks, touches and keeps every block,
// and never stops; it reports every 16 MiB, for testing memory caps.
package main

import "fmt"

const block = 1 << 20

func main() {
	var kept [][]byte
	for {
		b := make([]byte, block)
		for i := 0; i < len(b); i += 4096 {
			b[i] = byte(i)
		}
		kept = append(kept, b)
		if len(kept)%16 == 0 {
			fmt.Println("allocated", len(kept), "MiB")
		}
	}
}
