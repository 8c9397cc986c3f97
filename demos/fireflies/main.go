// Fireflies is the demo of reactor-frame: a meadow at night in which every
// firefly is a goroutine that flashes on its own clock. A firefly that sees a
// neighbour flash nudges its own clock forward (pulse-coupled oscillators),
// so the meadow drifts from scattered twinkling into travelling waves and
// then into unison.
//
// The host steps the program a frame at a time. It draws the shared records
// "fireflies" (one per slot) and "meadow" (the swarm as a whole) and sends
// pointer and keyboard input as events.
package main

import (
	"flag"
	"time"

	"reactorframe/guest"
)

func main() {
	count := flag.Int("n", 360, "fireflies at the start")
	seed := flag.Uint64("seed", 1, "random seed")
	coupling := flag.Float64("coupling", 0.025, "phase advance per neighbour flash, as a fraction of the phase")
	flag.Parse()

	w := newWorld(*seed, *coupling)
	guest.Share("fireflies", w.records)
	guest.Share("meadow", w.meadows)
	w.spawn(*count, worldW/2, (flyTop+flyBottom)/2, worldW/2, (flyBottom-flyTop)/2)
	go w.meter(250 * time.Millisecond)
	for ev := range guest.Events() {
		w.handle(ev)
	}
}
