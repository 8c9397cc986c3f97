// Blockforever leaves goroutines blocked forever (on a channel receive, a
// channel send, a nil channel and select {}) with no timer pending. By
// default main prints "main done" and returns; with the argument "main",
// main prints "main blocking" and blocks forever too.
package main

import (
	"fmt"
	"os"
)

func main() {
	never := make(chan int)
	var nilChan chan int
	started := make(chan string, 4)
	go func() { started <- "recv"; <-never }()
	go func() { started <- "send"; never <- 1 }()
	go func() { started <- "nil"; <-nilChan }()
	go func() { started <- "select"; select {} }()
	for range 4 {
		fmt.Println("blocked:", <-started)
	}
	if len(os.Args) > 1 && os.Args[1] == "main" {
		fmt.Println("main blocking")
		<-never
	}
	fmt.Println("main done")
}
