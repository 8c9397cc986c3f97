// Hello prints one line to stdout and one to stderr, then returns.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from go")
	fmt.Fprintln(os.Stderr, "hello on stderr")
}
