// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

// The idle fast path of go_tick and go_tick_for (part of the runtime overlay,
// like reactor_frame_wasip1.go). A tick that finds nothing to do would park
// the tick goroutine, enter the scheduler, find nothing, and be handed back
// by beforeIdle: about a microsecond of scheduler work to learn what a few
// loads tell. When no goroutine is runnable, no timer is due, no goroutine
// waits on a file descriptor, the garbage collector is not marking and no
// finalizer is to be run, the tick returns its report at once.

package runtime

// rfFastTick reports like go_tick when the tick would find nothing to run,
// and ok=false when the scheduler has to run.
func rfFastTick() (result int32, ok bool) {
	if rfTickG != nil {
		return 0, false // go_tick inside a tick: the slow path throws
	}
	pp := getg().m.p.ptr()
	if !runqempty(pp) || !sched.runq.empty() || netpollAnyWaiters() || gcBlackenEnabled != 0 ||
		fingStatus.Load()&(fingWait|fingWake) == fingWait|fingWake {
		return 0, false
	}
	next := timeSleepUntil()
	if next != maxWhen && next <= nanotime() {
		return 0, false // a timer is due: the scheduler runs it
	}
	rfResetTickCounters()
	return rfReport(), true
}
