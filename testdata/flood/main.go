// Flood writes a lot of output in one go, for testing that the host's output
// buffering stays bounded. It writes the first argument's worth of MiB
// (default 8) to stdout and as much to stderr, alternating 64 KiB chunks,
// without yielding. With the second argument "panic" it then panics.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

const chunk = 64 << 10

func main() {
	mib := 8
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v >= 0 {
			mib = v
		}
	}
	out := bytes.Repeat([]byte("o"), chunk-1)
	out = append(out, '\n')
	errs := bytes.Repeat([]byte("e"), chunk-1)
	errs = append(errs, '\n')
	for range mib * (1 << 20) / chunk {
		os.Stdout.Write(out)
		os.Stderr.Write(errs)
	}
	fmt.Println("flood done", mib, "MiB")
	if len(os.Args) > 2 && os.Args[2] == "panic" {
		panic("flood: panicking after the flood")
	}
}
