package main

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// The world is worldW x worldH units; the host maps its window onto it.
// Fireflies keep to the band between flyTop and flyBottom.
const (
	worldW    = 1280
	worldH    = 720
	flyTop    = 150
	flyBottom = 650

	maxFireflies = 1500

	neighbourRadius = 100 // how far a flash is seen
	scatterRadius   = 230 // how far a click startles
	minCoupling     = 0
	maxCoupling     = 0.5
)

// Firefly is one entity's record in the shared slice "fireflies". The host
// reads every record each frame, so the layout is fixed: eight 4-byte fields,
// mirrored by FIREFLY_DTYPE on the Python side.
type Firefly struct {
	X, Y    float32 // position in world units
	Glow    float32 // flash brightness, 0..1
	Phase   float32 // progress through the flash cycle, 0..1
	Hue     float32 // colour variation, 0..1
	Flashes uint32  // flashes since it was born
	Alive   uint32  // 1 while its goroutine runs
	Startle float32 // 1 just after a scatter, decaying to 0
}

// Meadow is the single record of the shared slice "meadow": the swarm as a
// whole. Mirrored by MEADOW_DTYPE on the Python side.
type Meadow struct {
	Alive            uint32  // fireflies alive
	Flashes          uint32  // flashes in total
	Coupling         float32 // phase advance per neighbour flash, as a fraction of the phase
	Sync             float32 // order parameter of the phases: 0 scattered, 1 in unison
	CursorX, CursorY float32 // last pointer position
	Events           uint32  // input events handled
	Attract          uint32  // 1 while the lantern draws fireflies in
}

// world holds the shared records and the goroutine of each live slot.
// mu guards records, flies and meadow: every firefly writes its own record
// and reads its neighbours' under it.
type world struct {
	mu      sync.Mutex
	records []Firefly // shared as "fireflies"; index = slot
	flies   []*firefly
	meadows []Meadow // shared as "meadow": one record
	meadow  *Meadow
	seed    uint64
	born    uint64
	rng     *rand.Rand // used only by the goroutine handling input
}

func newWorld(seed uint64, coupling float64) *world {
	w := &world{
		records: make([]Firefly, maxFireflies),
		flies:   make([]*firefly, maxFireflies),
		meadows: []Meadow{{Coupling: float32(coupling), CursorX: worldW / 2, CursorY: worldH / 2}},
		seed:    seed,
		rng:     rand.New(rand.NewPCG(seed, 0x5eed)),
	}
	w.meadow = &w.meadows[0]
	return w
}

// spawn starts up to n fireflies within rx, ry units of (x, y), each in its
// own goroutine, and returns how many it started.
func (w *world) spawn(n int, x, y, rx, ry float64) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	started := 0
	for slot := range w.flies {
		if started == n {
			break
		}
		if w.flies[slot] != nil {
			continue
		}
		w.born++
		rng := rand.New(rand.NewPCG(w.seed, w.born))
		fx := clamp(x+(rng.Float64()*2-1)*rx, 0, worldW)
		fy := clamp(y+(rng.Float64()*2-1)*ry, flyTop, flyBottom)
		f := newFirefly(slot, rng, fx, fy)
		w.flies[slot] = f
		w.records[slot] = Firefly{X: float32(fx), Y: float32(fy), Hue: float32(rng.Float64()), Alive: 1}
		w.meadow.Alive++
		started++
		go f.live(w)
	}
	return started
}

// cull asks up to n random fireflies to leave.
func (w *world) cull(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, slot := range w.rng.Perm(len(w.flies)) {
		if n == 0 {
			return
		}
		if f := w.flies[slot]; f != nil && !f.leaving {
			f.leaving = true
			close(f.quit)
			n--
		}
	}
}

// remove frees the slot of a firefly whose goroutine is ending.
func (w *world) remove(f *firefly) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.records[f.slot] = Firefly{}
	w.flies[f.slot] = nil
	w.meadow.Alive--
}

// flashed records a flash of f and returns the fireflies that see it, in
// f's reusable buffer.
func (w *world) flashed(f *firefly) []*firefly {
	w.mu.Lock()
	defer w.mu.Unlock()
	rec := &w.records[f.slot]
	rec.Flashes++
	rec.Glow = 1
	rec.Phase = 0
	w.meadow.Flashes++
	f.seen = w.near(f.seen[:0], f.x, f.y, neighbourRadius, f)
	return f.seen
}

// near appends to found the live fireflies within radius of (x, y), except
// skip. The caller holds mu.
func (w *world) near(found []*firefly, x, y, radius float64, skip *firefly) []*firefly {
	r2 := float32(radius * radius)
	for slot, g := range w.flies {
		if g == nil || g == skip {
			continue
		}
		dx, dy := w.records[slot].X-float32(x), w.records[slot].Y-float32(y)
		if dx*dx+dy*dy <= r2 {
			found = append(found, g)
		}
	}
	return found
}

// scatter startles the fireflies around (x, y): they flash, dart away and
// lose their rhythm.
func (w *world) scatter(x, y float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.near(nil, x, y, scatterRadius, nil) {
		rec := &w.records[f.slot]
		dx, dy := float64(rec.X)-x, float64(rec.Y)-y
		d := math.Hypot(dx, dy) + 1
		push := 260 * (1 - d/scatterRadius)
		f.send(kick{vx: dx / d * push, vy: dy / d * push, flash: true, scramble: true})
	}
}

// scramble gives every firefly a random phase.
func (w *world) scramble() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.flies {
		if f != nil {
			f.send(kick{scramble: true})
		}
	}
}

// meter measures the swarm's synchrony every period.
func (w *world) meter(period time.Duration) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for range tick.C {
		w.measure()
	}
}

// measure updates the swarm's order parameter: the length of the mean of
// the phases as unit vectors.
func (w *world) measure() {
	w.mu.Lock()
	defer w.mu.Unlock()
	var sx, sy float64
	n := 0
	for slot, f := range w.flies {
		if f == nil {
			continue
		}
		a := 2 * math.Pi * float64(w.records[slot].Phase)
		sx += math.Cos(a)
		sy += math.Sin(a)
		n++
	}
	if n == 0 {
		w.meadow.Sync = 0
		return
	}
	w.meadow.Sync = float32(math.Hypot(sx, sy) / float64(n))
}

// coupling is the phase advance per neighbour flash.
func (w *world) coupling() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return float64(w.meadow.Coupling)
}

// adjustCoupling changes the coupling by delta, within its limits.
func (w *world) adjustCoupling(delta float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := float64(w.meadow.Coupling) + delta
	w.meadow.Coupling = float32(clamp(c, minCoupling, maxCoupling))
}

func (w *world) cursor() (x, y float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return float64(w.meadow.CursorX), float64(w.meadow.CursorY)
}

func (w *world) setCursor(x, y float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.meadow.CursorX, w.meadow.CursorY = float32(x), float32(y)
}

// setAttract lights (on) or puts out the lantern at the cursor.
func (w *world) setAttract(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.meadow.Attract = 0
	if on {
		w.meadow.Attract = 1
	}
}

func (w *world) toggleAttract() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.meadow.Attract = 1 - w.meadow.Attract
}

// counted records that an input event was handled.
func (w *world) counted() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.meadow.Events++
}

func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}
