// Exitcode prints a line and then calls os.Exit with the code given as its
// first argument (0 when there is none).
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	code := 0
	if len(os.Args) > 1 {
		var err error
		if code, err = strconv.Atoi(os.Args[1]); err != nil {
			fmt.Fprintln(os.Stderr, "exitcode: bad code:", err)
			os.Exit(100)
		}
	}
	fmt.Println("exiting with", code)
	os.Exit(code)
}
