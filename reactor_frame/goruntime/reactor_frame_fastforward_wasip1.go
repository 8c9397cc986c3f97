// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

// Virtual-time fast-forward (part of the runtime overlay). On the virtual
// clock, a host driving a timer-dense program would call go_tick once per
// simulated instant, moving its clock to each next timer in between. With
// go_tick_until the guest does that loop itself: it runs every scheduling
// round due now, then moves the virtual clock in the control block to the
// next timer, exactly as the host would, until that timer lies past the
// target the host gives. One guest call replaces thousands; what runs, and
// at which virtual instant, is the same.

package runtime

// goTickUntil runs scheduling rounds on the virtual clock up to targetNs of
// virtual monotonic time, at most maxRounds of them, and stops early when
// main returns or nothing is left to run. It reports like go_tick at the
// instant it reached, which go_virtual_now tells. On the real clock it is
// one go_tick.
//
//go:wasmexport go_tick_until
func goTickUntil(targetNs int64, maxRounds int64) int32 {
	if rfControl.clockMode != rfClockVirtual {
		return rfTick(0)
	}
	for rounds := int64(1); ; rounds++ {
		result := rfTick(0)
		if result < 0 || rounds >= maxRounds || rfControl.state&rfStateMainReturned != 0 {
			return result
		}
		if result == 0 {
			continue // runnable, or a timer due now: another round at this instant
		}
		next := timeSleepUntil()
		if next > targetNs {
			return result
		}
		// Jump to the timer exactly, as the host's VirtualClock would.
		d := next - rfControl.virtMono
		rfControl.virtMono = next
		rfControl.virtWall += d
	}
}

// goVirtualNow returns the virtual monotonic time in ns (after go_tick_until,
// the instant it reached).
//
//go:wasmexport go_virtual_now
func goVirtualNow() int64 {
	return rfControl.virtMono
}
