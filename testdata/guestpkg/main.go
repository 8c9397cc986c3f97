// Guestpkg is the example program of the reactorframe/guest package: a box
// of bouncing balls that a Python host drives a frame at a time. It shows
// the three ways a program talks to its host, none of them needing unsafe
// code:
//
//   - Events in. The host pushes input events (r.events.push in Python) and
//     main receives them from guest.Events():
//     kind 1 (spawn) adds a ball at (X, Y) moving at (A, B) units per second,
//     kind 2 (clear) removes every ball, and kind 3 (save) sends a summary
//     of the box to the host.
//   - Shared records out. The balls live in a slice of Ball records,
//     published with guest.Share("balls", ...); the host reads them in place
//     every frame (r.shared("balls").array(dtype) in Python) without a call
//     into the guest. The slice is shared again whenever its length changes.
//   - Host calls. At start the program asks the host for the box size with
//     guest.CallHost("example", "config", nil), which answers "W H" (and
//     falls back to 640 x 480 when the host has no such function); the save
//     event sends its summary with guest.CallHost("example", "save", ...),
//     and the host's answer is logged. Log lines go through a host function
//     declared with //go:wasmimport, which takes a Go string directly.
//
// Balls move on a 10 ms ticker, so under a virtual clock the host decides
// exactly how much simulated time each frame covers.
package main

import (
	"errors"
	"fmt"
	"time"

	"reactorframe/guest"
)

// Event kinds the host sends.
const (
	kindSpawn = 1 // add a ball at (X, Y) with velocity (A, B) units/s
	kindClear = 2 // remove every ball
	kindSave  = 3 // send a summary to the host's example.save
)

// Ball is one record of the shared slice "balls". Its layout is what the
// host's numpy dtype must match: six 4-byte fields, 24 bytes in all.
type Ball struct {
	X, Y    float32 // position, in units from the top-left corner
	VX, VY  float32 // velocity, units per second
	ID      int32   // 1, 2, 3... in order of spawning
	Bounces int32   // walls hit so far
}

// hostLog writes one line to the host's log. A string parameter reaches a
// Python function annotated "msg: str" as a (pointer, length) pair that the
// host decodes.
//
//go:wasmimport example log
func hostLog(msg string)

const step = 10 * time.Millisecond

type box struct {
	width, height float32
	balls         []Ball
	nextID        int32
	bounces       int32
}

func main() {
	b := &box{width: 640, height: 480, nextID: 1}
	b.configure()
	guest.Share("balls", b.balls)

	ticker := time.NewTicker(step)
	defer ticker.Stop()
	for {
		select {
		case ev := <-guest.Events():
			b.handle(ev)
		case <-ticker.C:
			b.move(float32(step.Seconds()))
		}
	}
}

// configure asks the host for the size of the box.
func (b *box) configure() {
	answer, err := guest.CallHost("example", "config", nil)
	if errors.Is(err, guest.ErrNoHostFunction) {
		hostLog("no example.config on the host: using 640 x 480")
		return
	}
	var w, h float32
	if _, err := fmt.Sscan(string(answer), &w, &h); err != nil || w <= 0 || h <= 0 {
		hostLog(fmt.Sprintf("bad config %q: using 640 x 480", answer))
		return
	}
	b.width, b.height = w, h
	hostLog(fmt.Sprintf("box is %g x %g", w, h))
}

func (b *box) handle(ev guest.Event) {
	switch ev.Kind {
	case kindSpawn:
		b.balls = append(b.balls, Ball{X: ev.X, Y: ev.Y, VX: float32(ev.A), VY: float32(ev.B), ID: b.nextID})
		b.nextID++
		guest.Share("balls", b.balls) // the length changed, and append may have moved the array
	case kindClear:
		b.balls = b.balls[:0]
		guest.Share("balls", b.balls)
	case kindSave:
		summary := fmt.Sprintf("%d balls, %d bounces", len(b.balls), b.bounces)
		answer, err := guest.CallHost("example", "save", []byte(summary))
		if err != nil {
			hostLog("save failed: " + err.Error())
			return
		}
		hostLog("saved: " + string(answer))
	default:
		hostLog(fmt.Sprintf("unknown event kind %d", ev.Kind))
	}
}

// move advances every ball by dt seconds, bouncing off the walls. The host
// sees the new positions without any call: the records are updated in place.
func (b *box) move(dt float32) {
	for i := range b.balls {
		ball := &b.balls[i]
		ball.X += ball.VX * dt
		ball.Y += ball.VY * dt
		if ball.X < 0 || ball.X > b.width {
			ball.VX = -ball.VX
			ball.X = min(max(ball.X, 0), b.width)
			ball.Bounces++
			b.bounces++
		}
		if ball.Y < 0 || ball.Y > b.height {
			ball.VY = -ball.VY
			ball.Y = min(max(ball.Y, 0), b.height)
			ball.Bounces++
			b.bounces++
		}
	}
}
