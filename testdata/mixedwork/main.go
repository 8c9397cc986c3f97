// Mixedwork is a CPU-heavy guest of ordinary Go code, for comparing engine
// settings: each round sorts 20,000 pseudo-random ints, sums them into a
// map, hashes some formatted text, sums a float series and builds a string.
// The first argument is the number of rounds (default 30); main prints a
// checksum. It never yields: a single goroutine runs to the end.
package main

import (
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

func round(x uint64) (uint64, uint64) {
	a := make([]int, 20000)
	for i := range a {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		a[i] = int(x % 1000000)
	}
	sort.Ints(a)
	m := map[int]int{}
	for _, v := range a {
		m[v%5000] += v
	}
	sum := uint64(len(m))
	h := sha256.Sum256([]byte(fmt.Sprint(a[:2000])))
	sum += uint64(h[0])
	f := 0.0
	for i := 1; i < 200000; i++ {
		f += math.Sin(float64(i)) / float64(i)
	}
	sum += uint64(f * 1000)
	var b strings.Builder
	for i := range 5000 {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	return x, sum + uint64(b.Len())
}

func main() {
	rounds := 30
	if len(os.Args) > 1 {
		if n, err := strconv.Atoi(os.Args[1]); err == nil && n > 0 {
			rounds = n
		}
	}
	x, sum := uint64(1), uint64(0)
	for range rounds {
		var s uint64
		x, s = round(x)
		sum += s
	}
	fmt.Printf("mixedwork %d rounds checksum %d\n", rounds, sum)
}
