// Spin prints "spinning", then starts a goroutine that loops forever
// without yielding or blocking, for testing a watchdog. Main blocks forever.
package main

import "fmt"

var spins uint64

func spin() {
	for {
		spins++
	}
}

func main() {
	fmt.Println("spinning")
	go spin()
	select {}
}
