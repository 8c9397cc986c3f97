// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

// Preemption by the host. Wasm has no sysmon thread, so nothing preempts a
// goroutine that computes without yielding. The host plays sysmon instead:
// when a go_tick_for call is still running at its deadline, a host thread
// writes what sysmon writes natively (g.preempt = true, g.stackguard0 =
// stackPreempt) into the running goroutine (m0.curg) and sets preemptReq in
// the control block. The goroutine's next stack check (a function prologue,
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
// stackPreempt) lands, on the system stack.
func gopreempt_m(gp *g) {
	if rfHostPreempt(gp) {
		goschedImpl(gp, true)
		return
	}
	gopreempt_mStock(gp)
}

// goschedguarded_m is where a preemptible loop's back-edge check lands.
func goschedguarded_m(gp *g) {
	if canPreemptM(gp.m) && rfHostPreempt(gp) {
		goschedImpl(gp, true)
		return
	}
	goschedguarded_mStock(gp)
}

// rfHostPreempt handles a preemption the host asked for. It returns false
// when the host asked for none (the runtime's own request: go on as stock),
// true when gp must yield so that the tick, made next, returns; a stale
// request makes gp carry on where it was (it does not return then).
func rfHostPreempt(gp *g) bool {
	if rfControl.preemptReq == 0 {
		return false
	}
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
	return true
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
