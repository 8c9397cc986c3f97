// Argsenv prints os.Args, the variables HOME, GREETING and EMPTY (as
// looked up with os.LookupEnv), and then all of os.Environ sorted.
package main

import (
	"fmt"
	"os"
	"slices"
)

func main() {
	fmt.Println("argc", len(os.Args))
	for i, a := range os.Args {
		fmt.Printf("arg[%d]=%q\n", i, a)
	}
	for _, k := range []string{"HOME", "GREETING", "EMPTY"} {
		v, ok := os.LookupEnv(k)
		fmt.Printf("env %s=%q set=%v\n", k, v, ok)
	}
	env := os.Environ()
	slices.Sort(env)
	fmt.Println("environ", len(env))
	for _, kv := range env {
		fmt.Println(kv)
	}
}
