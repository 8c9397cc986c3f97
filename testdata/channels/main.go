// Channels exercises goroutine communication without timers: unbuffered and
// buffered channels, select with several ready cases and with default,
// sync.WaitGroup, a ping-pong pair and a three-stage pipeline. Its output
// is deterministic.
package main

import (
	"fmt"
	"sync"
)

func main() {
	// Unbuffered: the sender blocks until main receives.
	unbuf := make(chan int)
	go func() {
		for i := 1; i <= 3; i++ {
			unbuf <- i * 10
		}
		close(unbuf)
	}()
	for v := range unbuf {
		fmt.Println("unbuffered", v)
	}

	// Buffered: fills without a receiver.
	buf := make(chan string, 3)
	buf <- "a"
	buf <- "b"
	buf <- "c"
	fmt.Println("buffered len", len(buf), <-buf+<-buf+<-buf)

	// Select: default when nothing is ready, then drain two ready channels.
	c1, c2 := make(chan int, 1), make(chan int, 1)
	select {
	case v := <-c1:
		fmt.Println("unexpected", v)
	default:
		fmt.Println("select default")
	}
	c1 <- 1
	c2 <- 2
	sum := 0
	for range 2 {
		select {
		case v := <-c1:
			sum += v
		case v := <-c2:
			sum += v
		}
	}
	fmt.Println("select sum", sum)

	// WaitGroup: workers write disjoint slots.
	var wg sync.WaitGroup
	squares := make([]int, 10)
	for i := range squares {
		wg.Add(1)
		go func() {
			defer wg.Done()
			squares[i] = i * i
		}()
	}
	wg.Wait()
	fmt.Println("squares", squares)

	// Ping-pong: two goroutines pass a counter back and forth.
	ping, pong := make(chan int), make(chan int)
	done := make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	go func() {
		v := 0
		for range 100 {
			ping <- v
			v = <-pong
		}
		close(ping)
		done <- v
	}()
	fmt.Println("ping-pong", <-done)

	// Pipeline: generate -> square -> sum.
	nums := make(chan int)
	sq := make(chan int, 4)
	go func() {
		for i := 1; i <= 100; i++ {
			nums <- i
		}
		close(nums)
	}()
	go func() {
		for n := range nums {
			sq <- n * n
		}
		close(sq)
	}()
	total := 0
	for v := range sq {
		total += v
	}
	fmt.Println("pipeline", total)
	fmt.Println("channels done")
}
