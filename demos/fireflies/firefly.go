package main

import (
	"math"
	"math/rand/v2"
	"time"
)

const (
	basePeriod   = 1200 * time.Millisecond // natural flash period before each firefly's own variation
	periodSpread = 0.06                    // each period is basePeriod * (1 ± periodSpread)
	refractory   = 0.2                     // part of the cycle after a flash in which pulses are ignored
	flashFade    = 0.16                    // seconds for a flash to fade to 1/e
	glowingFor   = 0.6                     // seconds after a flash during which it moves every frame
	framePace    = 16 * time.Millisecond   // move interval while glowing or hurrying
)

// kick is a message from the input goroutine to one firefly.
type kick struct {
	vx, vy   float64 // velocity impulse, units per second
	flash    bool    // flash at once
	scramble bool    // restart the cycle at a random point
}

// firefly is the state of one firefly's goroutine. Other goroutines use only
// slot and the channels; leaving is guarded by world.mu.
type firefly struct {
	slot    int
	pulses  chan struct{} // a neighbour flashed
	kicks   chan kick
	quit    chan struct{}
	leaving bool

	rng        *rand.Rand
	x, y       float64
	heading    float64 // radians
	speed      float64 // units per second
	vx, vy     float64 // what is left of kicks
	bob        float64 // phase of the vertical bob, radians
	startle    float64
	hurried    bool
	period     time.Duration
	pace       time.Duration // move interval while dark
	cycle      time.Time     // when the current cycle began
	lastFlash  time.Time
	offX, offY float64    // where it likes to hover around the lantern
	seen       []*firefly // neighbours of the last flash, reused
}

func newFirefly(slot int, rng *rand.Rand, x, y float64) *firefly {
	spread := 1 + (rng.Float64()*2-1)*periodSpread
	return &firefly{
		slot:    slot,
		pulses:  make(chan struct{}, 1),
		kicks:   make(chan kick, 4),
		quit:    make(chan struct{}),
		rng:     rng,
		x:       x,
		y:       y,
		heading: rng.Float64() * 2 * math.Pi,
		speed:   12 + rng.Float64()*22,
		bob:     rng.Float64() * 2 * math.Pi,
		period:  time.Duration(float64(basePeriod) * spread),
		pace:    25*time.Millisecond + time.Duration(rng.IntN(15))*time.Millisecond,
		offX:    rng.NormFloat64() * 50,
		offY:    rng.NormFloat64() * 32,
	}
}

// live is the firefly's goroutine: it moves on one timer, flashes on
// another, and answers its neighbours' flashes and the user's kicks.
func (f *firefly) live(w *world) {
	defer w.remove(f)
	now := time.Now()
	f.cycle = now.Add(-time.Duration(f.rng.Float64() * float64(f.period)))
	f.lastFlash = now.Add(-time.Minute)
	flash := time.NewTimer(f.untilFlash(now))
	defer flash.Stop()
	move := time.NewTimer(f.pace)
	defer move.Stop()
	last := now
	for {
		select {
		case <-move.C:
			now := time.Now()
			f.move(w, now, now.Sub(last).Seconds())
			last = now
			move.Reset(f.moveInterval(now))
		case <-flash.C:
			f.flash(w, time.Now())
			flash.Reset(f.period)
		case <-f.pulses:
			now := time.Now()
			if f.nudge(w.coupling(), now) {
				f.flash(w, now)
			}
			flash.Reset(f.untilFlash(now))
		case k := <-f.kicks:
			now := time.Now()
			f.kick(w, k, now)
			flash.Reset(f.untilFlash(now))
		case <-f.quit:
			return
		}
	}
}

// phase is the progress through the current cycle, 0..1.
func (f *firefly) phase(now time.Time) float64 {
	return clamp(float64(now.Sub(f.cycle))/float64(f.period), 0, 1)
}

func (f *firefly) untilFlash(now time.Time) time.Duration {
	return max(0, f.cycle.Add(f.period).Sub(now))
}

// flash lights the firefly up, starts a new cycle and tells the neighbours.
func (f *firefly) flash(w *world, now time.Time) {
	f.cycle, f.lastFlash = now, now
	for _, g := range w.flashed(f) {
		g.pulse()
	}
}

// nudge answers a neighbour's flash by moving the phase forward in
// proportion to how far through its cycle it is; it reports whether the
// firefly should flash now.
func (f *firefly) nudge(coupling float64, now time.Time) bool {
	p := f.phase(now)
	if p < refractory {
		return false
	}
	p += coupling * p
	if p >= 1 {
		return true
	}
	f.cycle = now.Add(-time.Duration(p * float64(f.period)))
	return false
}

func (f *firefly) kick(w *world, k kick, now time.Time) {
	f.vx += k.vx
	f.vy += k.vy
	if k.flash {
		f.startle = 1
		f.flash(w, now)
	}
	if k.scramble {
		f.cycle = now.Add(-time.Duration(f.rng.Float64() * 0.8 * float64(f.period)))
	}
}

// pulse tells f that a neighbour flashed. Pulses that arrive before f runs
// merge into one.
func (f *firefly) pulse() {
	select {
	case f.pulses <- struct{}{}:
	default:
	}
}

// send delivers k unless f's mailbox is full.
func (f *firefly) send(k kick) {
	select {
	case f.kicks <- k:
	default:
	}
}

// move advances the firefly by dt seconds: a wandering heading, a gentle
// bob, steering back into the band, drawn to the lantern when it is lit,
// and carried by any kick. It then publishes its record.
func (f *firefly) move(w *world, now time.Time, dt float64) {
	dt = math.Min(dt, 0.1) // after a pause, do not jump
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.meadow
	f.heading += f.rng.NormFloat64() * 1.5 * math.Sqrt(dt)
	speed := f.speed
	if m.Attract == 1 {
		dx := float64(m.CursorX) + f.offX - f.x
		dy := float64(m.CursorY) + f.offY - f.y
		f.heading = turnToward(f.heading, math.Atan2(dy, dx), 3.5*dt)
		speed += math.Min(math.Hypot(dx, dy), 240) * 0.5
	} else if out := outside(f.x, f.y); out > 0 {
		home := math.Atan2((flyTop+flyBottom)/2-f.y, worldW/2-f.x)
		f.heading = turnToward(f.heading, home, 2.5*out*dt)
	}
	decay := math.Exp(-dt / 0.6)
	f.vx *= decay
	f.vy *= decay
	f.bob += 2.2 * dt
	f.x += (math.Cos(f.heading)*speed + f.vx) * dt
	f.y += (math.Sin(f.heading)*speed+f.vy)*dt + math.Cos(f.bob)*9*dt
	f.x = clamp(f.x, -30, worldW+30)
	f.y = clamp(f.y, flyTop-80, flyBottom+40)
	f.startle *= math.Exp(-dt / 0.8)
	f.hurried = m.Attract == 1 || math.Abs(f.vx)+math.Abs(f.vy) > 5

	rec := &w.records[f.slot]
	rec.X, rec.Y = float32(f.x), float32(f.y)
	rec.Glow = float32(math.Exp(-now.Sub(f.lastFlash).Seconds() / flashFade))
	rec.Phase = float32(f.phase(now))
	rec.Startle = float32(f.startle)
}

// moveInterval is the firefly's own pace: every frame while it glows or
// hurries, slower while it drifts in the dark.
func (f *firefly) moveInterval(now time.Time) time.Duration {
	if f.hurried || now.Sub(f.lastFlash).Seconds() < glowingFor {
		return framePace
	}
	return f.pace
}

// outside measures how far (x, y) is past the margins of the band, 0..1.
func outside(x, y float64) float64 {
	const margin = 60
	d := math.Max(math.Max(margin-x, x-(worldW-margin)), math.Max(flyTop+margin-y, y-(flyBottom-margin)))
	return clamp(d/margin, 0, 1)
}

// turnToward turns heading h toward target by at most step radians.
func turnToward(h, target, step float64) float64 {
	return h + clamp(math.Remainder(target-h, 2*math.Pi), -step, step)
}
