// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

// Preemption by the host. Wasm has no sysmon thread, so nothing preempts a
// goroutine that computes without yielding. The host plays sysmon instead:
// when a go_tick_for call is still running at its deadline, a host thread
// writes what sysmon writes natively (g.preempt = true, g.stackguard0 =
// stackPreempt) into the running goroutine (m0.curg) and sets preemptReq in
// the control block (informative: the runtime clears it, never relies on it,
// since a request can race with the goroutine switching). The goroutine's next stack check (a function prologue,
// or a loop back edge when built with GOEXPERIMENT=preemptibleloops) then
// enters gopreempt_m or goschedguarded_m, which this file takes over: the
// goroutine yields, the tick goroutine runs next, and the tick returns.
//
// A request that arrives when no budgeted tick is running, or lands in the
// tick goroutine itself (late, as the call returns), is stale: the goroutine
// resets its stack guard and carries on.
//
//reactorframe:renames proc.go gopreempt_m goschedguarded_m

package runtime

import "unsafe"

// rfPublishPreempt records in the control block where the host finds the
// running goroutine and the fields it writes.
func rfPublishPreempt() {
	rfControl.curgAddr = uint32(uintptr(unsafe.Pointer(&m0.curg)))
	rfControl.offStackguard0 = uint32(unsafe.Offsetof(m0.g0.stackguard0))
	rfControl.offPreempt = uint32(unsafe.Offsetof(m0.g0.preempt))
	rfControl.stackPreempt = uint64(stackPreempt)
}

// gopreempt_m is where a synchronous preemption (a stack check that found
// stackPreempt) lands, on the system stack. On wasm only the host asks for
// one: the runtime's own requests (preemptone) never target the running M.
func gopreempt_m(gp *g) {
	rfHostPreempt(gp)
	goschedImpl(gp, true)
}

// goschedguarded_m is where a preemptible loop's back-edge check lands: for
// a preemption request, or because the stack is nearly full (then, and when
// preemption is not allowed here, it behaves as stock).
func goschedguarded_m(gp *g) {
	if canPreemptM(gp.m) && (gp.preempt || gp.stackguard0 == stackPreempt) {
		rfHostPreempt(gp)
		goschedImpl(gp, true)
	}
	goschedguarded_mStock(gp)
}

// rfHostPreempt handles a preemption request from the host. If a budgeted
// tick is running and gp is not its goroutine, gp must yield (the caller
// makes it) and the tick, made next, returns. Otherwise the request is
// stale (it arrived late, or landed in the tick goroutine as the call
// returned): gp resets its stack guard and carries on where it was, and
// rfHostPreempt does not return.
func rfHostPreempt(gp *g) {
	rfControl.preemptReq = 0
	tg := rfTickG
	if tg == nil || gp == tg || rfTickDeadline == 0 {
		gp.preempt = false
		gp.stackguard0 = gp.stack.lo + stackGuard
		gogo(&gp.sched) // never returns
	}
	rfControl.preemptions++
	rfControl.preemptGoid = gp.goid
	rfRecordFunc(gp)
	if !rfTickWoken {
		rfWakeTick(tg)
	}
}

// rfRecordFunc stores the name of the innermost non-runtime function gp was
// in (the innermost function when all are runtime's).
func rfRecordFunc(gp *g) {
	var u unwinder
	u.initAt(gp.sched.pc, gp.sched.sp, gp.sched.lr, gp, unwindSilentErrors)
	name := ""
	for i := 0; u.valid() && i < 32; i++ {
		n := funcname(u.frame.fn)
		if name == "" {
			name = n
		}
		if len(n) < 8 || n[:8] != "runtime." {
			name = n
			break
		}
		u.next()
	}
	buf := &rfControl.preemptFunc
	n := copy(buf[:], name)
	for ; n < len(buf); n++ {
		buf[n] = 0
	}
}
