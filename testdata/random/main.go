// Random prints values from the top-level functions of math/rand and
// math/rand/v2 and eight bytes of crypto/rand as hex. All of them come from
// the host's random_get, so a host with a seeded random source gets the
// same output every run.
package main

import (
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand"
	randv2 "math/rand/v2"
)

func main() {
	fmt.Println("math/rand", rand.Intn(1000), rand.Int63(), rand.Float64())
	fmt.Println("math/rand/v2", randv2.IntN(1000), randv2.Uint64(), randv2.Float64())
	b := make([]byte, 8)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	fmt.Println("crypto/rand", hex.EncodeToString(b))
}
