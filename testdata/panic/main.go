// Panic fails from a nested function call so that a goroutine trace is
// printed. The first argument picks the failure: "nil" dereferences a nil
// pointer, "index" indexes out of range, "goroutine" panics in a goroutine
// other than main, anything else panics with "boom: nested failure".
package main

import (
	"fmt"
	"os"
)

type node struct{ next *node }

func outer(mode string) int { return middle(mode) + 1 }

func middle(mode string) int { return inner(mode) + 1 }

func inner(mode string) int {
	switch mode {
	case "nil":
		var n *node
		return len(fmt.Sprint(n.next.next))
	case "index":
		s := []int{1, 2, 3}
		i := len(os.Args) + 5
		return s[i]
	}
	panic("boom: nested failure")
}

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	fmt.Println("about to fail:", mode)
	if mode == "goroutine" {
		done := make(chan int)
		go func() { done <- outer("") }()
		<-done
	}
	fmt.Println(outer(mode))
}
