// Envcheck exercises reactor_frame.sim.GoEnv beyond cartpole, choosing its
// behaviour from its first argument:
//
//   - "box" (default): a point on a plane pushed by a Box action of shape
//     (2,) bounded by [-1, 1]; Spec.StepMs is 10, and a goroutine on a 5 ms
//     ticker counts ticks. Observation, shape (2, 2): position x and y, the
//     ticks counted since registration and the simulated milliseconds since
//     registration. Reset leaves those two alone, so they start again from
//     0 only when the host restores its post-registration snapshot.
//     Terminates once the point is 3 units away from the origin; the reward
//     is minus the distance.
//   - "return": imports the guest package but main returns without
//     registering an environment.
//   - "block": main blocks forever without registering.
//   - "run": main keeps running on a timer without registering.
//   - "twice": registers two environments (RegisterEnv panics).
//   - "stepfails": registers the "box" environment but its Step panics.
package main

import (
	"math"
	"os"
	"time"

	"reactorframe/guest"
)

type point struct {
	x, y   float64
	ticks  int
	start  time.Time
	ticker *time.Ticker
}

func (p *point) Spec() guest.Spec {
	return guest.Spec{
		Action:      guest.BoxSpace([]float32{-1, -1}, []float32{1, 1}),
		Observation: guest.BoxSpace([]float32{-100, -100, 0, 0}, []float32{100, 100, 1e9, 1e9}, 2, 2),
		StepMs:      10,
	}
}

func (p *point) Reset(seed int64) {
	p.x, p.y = float64(seed%3), 0
}

func (p *point) Step(a guest.Action) (float64, bool, bool) {
	p.x += float64(a.Values[0])
	p.y += float64(a.Values[1])
	dist := math.Hypot(p.x, p.y)
	return -dist, dist >= 3, false
}

func (p *point) Observe(obs []float32) {
	obs[0], obs[1] = float32(p.x), float32(p.y)
	obs[2] = float32(p.ticks)
	obs[3] = float32(time.Since(p.start).Milliseconds())
}

// failing is the "box" environment with a Step that panics.
type failing struct{ *point }

func (f failing) Step(guest.Action) (float64, bool, bool) {
	panic("the simulation diverged")
}

func main() {
	mode := "box"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "box":
		p := &point{ticker: time.NewTicker(5 * time.Millisecond), start: time.Now()}
		guest.RegisterEnv(p)
		for range p.ticker.C {
			p.ticks++
		}
	case "return":
		_ = guest.Events()
	case "block":
		select {}
	case "run":
		for {
			time.Sleep(time.Second)
		}
	case "stepfails":
		guest.RegisterEnv(failing{&point{start: time.Now()}})
	case "twice":
		guest.RegisterEnv(&point{})
		guest.RegisterEnv(&point{})
	}
}
