// Fileio uses a preopened directory (its first argument, default /data):
// it writes out.txt there and reads it back, reads input.txt placed by the
// host, lists the directory, then reads stdin to the end and prints its
// length and content.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	dir := "/data"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	out := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(out, []byte("written by go\n"), 0o644); err != nil {
		fail(err)
	}
	back, err := os.ReadFile(out)
	if err != nil {
		fail(err)
	}
	fmt.Printf("read back %q\n", back)

	in, err := os.ReadFile(filepath.Join(dir, "input.txt"))
	if err != nil {
		fail(err)
	}
	fmt.Printf("input %q\n", in)

	entries, err := os.ReadDir(dir)
	if err != nil {
		fail(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			fail(err)
		}
		fmt.Printf("entry %s %d\n", e.Name(), info.Size())
	}

	stdin, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	fmt.Printf("stdin %d %q\n", len(stdin), stdin)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fileio:", err)
	os.Exit(1)
}
