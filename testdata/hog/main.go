// Hog runs goroutines that compute for 30-80 ms between yields (here),
// in the ways ordinary code does: function calls, recursion with stack
// growth, allocation with garbage collection, and loops that call nothing.
// Arg 1 lists the kinds (default "calls,stack,alloc,leaf"), arg 2 the rounds
// per goroutine (default 3). Each goroutine yields between rounds; main
// prints every goroutine's checksum in a fixed order, so the output does not
// depend on how the work was interleaved.
//
// Arg 1 "spin" runs a goroutine that loops forever without calling anything
// beside a 10 ms ticker that prints 5 ticks and then main returns: only a
// host that preempts loops lets the ticker run.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func afterMs(ms int) <-chan time.Time { return time.After(time.Duration(ms) * time.Millisecond) }

var spins uint64

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// deep recurses with a large frame, growing the stack.
func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%256])
}

func calls() uint64 { return uint64(fib(32)) }

func stack() uint64 {
	var s uint64
	for i := 0; i < 1000; i++ {
		s += uint64(deep(2000 + i))
	}
	return s
}

var keep [][]int

func alloc() uint64 {
	var s uint64
	for i := 0; i < 120000; i++ {
		b := make([]int, 64)
		b[i%64] = i
		keep = append(keep, b)
		if len(keep) > 500 {
			keep = keep[:0]
		}
		s += uint64(b[i%64])
	}
	return s
}

func leaf() uint64 {
	var x uint64 = 1
	for i := 0; i < 25_000_000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var kinds = map[string]func() uint64{"calls": calls, "stack": stack, "alloc": alloc, "leaf": leaf}

func spin() {
	for {
		spins++
	}
}

func main() {
	arg := "calls,stack,alloc,leaf"
	if len(os.Args) > 1 {
		arg = os.Args[1]
	}
	if arg == "spin" {
		go spin()
		t := 0
		for range 5 {
			runtime.Gosched()
			t++
			fmt.Println("tick", t)
			<-afterMs(10)
		}
		return
	}
	rounds := 3
	if len(os.Args) > 2 {
		rounds, _ = strconv.Atoi(os.Args[2])
	}
	names := strings.Split(arg, ",")
	sums := make([]uint64, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		work := kinds[name]
		if work == nil {
			fmt.Println("unknown kind", name)
			os.Exit(2)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				sums[i] += work()
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	for i, name := range names {
		fmt.Println(name, sums[i])
	}
}
