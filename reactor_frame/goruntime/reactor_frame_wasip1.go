// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

// This file is added to the runtime package of a stock Go toolchain by
// "reactor-frame build" (through go build -overlay). It gives a program built
// with -buildmode=c-shared the WASI reactor ABI: go_start_main queues main and
// go_tick lets the host decide when goroutines run.
//
// The build tool also renames the functions listed in the directives below
// in the toolchain's own files (beforeIdle becomes beforeIdleStock, and so
// on) so that this file can provide them and call the originals.
//
//reactorframe:renames lock_wasip1.go beforeIdle checkTimeouts
//reactorframe:renames os_wasip1.go nanotime1 walltime1

package runtime

import "unsafe"

// reactorControl is shared with the host through linear memory. The host
// finds it with go_reactor_control and reads it after every tick, so that
// facts about the guest cost no extra host call. Fields marked "host" are
// written by the host; the guest only reads them.
//
// The layout is part of the ABI extension: change rfControlVersion with it.
type reactorControl struct {
	magic       uint32 // rfControlMagic, so the host can check the address
	version     uint32 // rfControlVersion
	state       uint32 // rfStateMainStarted | rfStateMainReturned
	clockMode   uint32 // host: rfClockReal or rfClockVirtual
	virtMono    int64  // host: monotonic time in ns while clockMode is virtual
	virtWall    int64  // host: wall time in ns since the Unix epoch, likewise
	delayNs     int64  // at tick return: ns until the next timer, 0 when runnable, -1 when none
	turns       uint64 // goroutine turns (yields and blocks) seen during the last tick
	rounds      uint64 // scheduling rounds completed during the last tick
	budgetSpent int64  // ns of budget used by the last go_tick_for call

	// Version 2: preemption by the host (reactor_frame_preempt_wasip1.go).
	curgAddr       uint32   // address of m0.curg, the running goroutine
	offStackguard0 uint32   // offset of g.stackguard0
	offPreempt     uint32   // offset of g.preempt (differs between Go releases)
	preemptReq     uint32   // host: 1 when it asked for a preemption
	stackPreempt   uint64   // the stackguard0 value that requests a preemption
	preemptions    uint64   // host preemptions that ended or cut the last tick
	preemptGoid    uint64   // goroutine the last of them stopped
	preemptFunc    [64]byte // function it was in, NUL-padded, where known
}

const (
	rfControlMagic   = 0x42434652 // "RFCB" little-endian
	rfControlVersion = 2

	rfStateMainStarted  = 1
	rfStateMainReturned = 2

	rfClockReal    = 0
	rfClockVirtual = 1
)

var rfControl = reactorControl{magic: rfControlMagic, version: rfControlVersion}

var (
	rfMainQueued bool

	// State of the tick in progress; rfTickG is nil between ticks.
	rfTickG        *g
	rfTickWoken    bool  // rfTickG has been made runnable again
	rfTickQuota    int64 // turns left in this round before go_tick returns; <0: no quota
	rfRoundLeft    int64 // turns left in the current round (for counting rounds)
	rfTickDeadline int64 // budget deadline on the stock monotonic clock; 0: none
)

// goReactorControl returns the address of the control block.
//
//go:wasmexport go_reactor_control
func goReactorControl() uint32 {
	rfPublishPreempt()
	return uint32(uintptr(unsafe.Pointer(&rfControl)))
}

// goStartMain queues the main goroutine. Only the first call has an effect.
//
//go:wasmexport go_start_main
func goStartMain() {
	if rfMainQueued {
		return
	}
	rfMainQueued = true
	rfControl.state |= rfStateMainStarted
	go rfRunMain()
}

func rfRunMain() {
	fn := main_main // indirect call, as in runtime.main: the linker places main later
	fn()
	// Unlike a command, a reactor does not exit when main returns: the host
	// reads this flag and decides. Other goroutines keep their state.
	rfControl.state |= rfStateMainReturned
}

// goTick runs one scheduling round: every goroutine that is runnable when it
// is called gets a turn (runs until it yields or blocks), then it reports
// -1 (idle), 0 (runnable now) or the milliseconds until the next timer.
//
//go:wasmexport go_tick
func goTick() int32 {
	return rfTick(0)
}

// goTickFor runs goroutines until budgetNs of wall time have passed or
// nothing is runnable, checking the budget whenever a goroutine yields or
// blocks. It reports like go_tick.
//
//go:wasmexport go_tick_for
func goTickFor(budgetNs int64) int32 {
	if budgetNs <= 0 {
		budgetNs = 1
	}
	return rfTick(budgetNs)
}

// rfResetTickCounters zeroes what the control block reports about the last
// tick, at the start of every tick (the fast path's too).
func rfResetTickCounters() {
	rfControl.turns = 0
	rfControl.rounds = 0
	rfControl.budgetSpent = 0
	rfControl.preemptions = 0
}

func rfTick(budgetNs int64) int32 {
	if result, ok := rfFastTick(); ok {
		return result
	}
	gp := getg()
	if rfTickG != nil {
		throw("reactor: go_tick called from inside a tick")
	}
	n := rfRunnableCount()
	rfResetTickCounters()
	rfRoundLeft = max(n, 1)
	var start int64
	if budgetNs > 0 {
		rfTickQuota = -1
		start = nanotime1Stock()
		rfTickDeadline = start + budgetNs
	} else {
		rfTickQuota = max(n, 1)
		rfTickDeadline = 0
	}
	rfTickG = gp
	rfTickWoken = false
	// Park until checkTimeouts (quota or budget used) or beforeIdle (nothing
	// runnable) makes this goroutine runnable again.
	gopark(nil, nil, waitReasonZero, traceBlockGeneric, 1)
	rfTickG = nil
	rfTickDeadline = 0
	rfControl.preemptReq = 0
	if budgetNs > 0 {
		rfControl.budgetSpent = nanotime1Stock() - start
	}
	return rfReport()
}

// rfRunnableCount counts goroutines that could run now, the caller excepted.
func rfRunnableCount() int64 {
	pp := getg().m.p.ptr()
	n := int64(pp.runqtail - pp.runqhead)
	if pp.runnext != 0 {
		n++
	}
	for gp := sched.runq.head.ptr(); gp != nil; gp = gp.schedlink.ptr() {
		n++
	}
	return n
}

// rfReport computes the go_tick result and records the exact delay.
func rfReport() int32 {
	pp := getg().m.p.ptr()
	// A GC mark phase in progress is work too: its workers are not in the
	// run queues, the scheduler starts them (and goroutines waiting for the
	// GC, as in runtime.GC, wait on them).
	if !runqempty(pp) || !sched.runq.empty() || gcBlackenEnabled != 0 {
		rfControl.delayNs = 0
		return 0
	}
	next := timeSleepUntil()
	if next == maxWhen {
		rfControl.delayNs = -1
		return -1
	}
	d := next - nanotime()
	if d <= 0 {
		// A timer is due: the next tick runs it.
		rfControl.delayNs = 0
		return 0
	}
	rfControl.delayNs = d
	ms := (d + 999999) / 1000000
	if ms > 1<<31-1 {
		ms = 1<<31 - 1
	}
	return int32(ms)
}

// beforeIdle is called by the scheduler when nothing is runnable. During a
// tick it hands control back to the tick goroutine, which returns to the host.
//
//go:yeswritebarrierrec
func beforeIdle(now, pollUntil int64) (*g, bool) {
	if gp := rfTickG; gp != nil && !rfTickWoken {
		rfTickWoken = true
		return gp, false
	}
	return beforeIdleStock(now, pollUntil)
}

// checkTimeouts is called when a goroutine yields or blocks (not when it
// sleeps or exits). It counts turns and ends the tick when the round's quota
// or the budget is used up. It runs with preemption off: a host preemption
// landing in its calls would wake the tick a second time.
func checkTimeouts() {
	mp := acquirem()
	rfCheckTimeouts()
	releasem(mp)
}

func rfCheckTimeouts() {
	checkTimeoutsStock()
	gp := rfTickG
	if gp == nil || getg() == gp {
		return
	}
	// Count every turn, also the one the scheduler's fairness check of the
	// global run queue may give another goroutine after the tick was woken.
	rfControl.turns++
	if rfTickWoken {
		return
	}
	rfRoundLeft--
	if rfRoundLeft <= 0 {
		rfControl.rounds++
		rfRoundLeft = max(rfRunnableCount(), 1)
	}
	if rfTickQuota > 0 {
		rfTickQuota--
		if rfTickQuota == 0 {
			rfWakeTick(gp)
		}
		return
	}
	if rfTickDeadline != 0 && nanotime1Stock() >= rfTickDeadline {
		rfWakeTick(gp)
	}
}

// rfWakeTick makes the tick goroutine the next to run, so the tick ends as
// soon as the current goroutine yields or blocks.
//
// It cannot use goready: without sysmon (wasm has none) runqput ignores its
// next flag, so goready would queue gp at the tail of the run queue and every
// goroutine already queued would get one more, uncounted turn before the
// tick ends. Instead gp goes into runnext, which runqget takes first (the
// scheduler's one-in-61 fairness check of the global queue may still run one
// goroutine before it).
func rfWakeTick(gp *g) {
	rfTickWoken = true
	systemstack(func() {
		trace := traceAcquire()
		casgstatus(gp, _Gwaiting, _Grunnable)
		if trace.ok() {
			trace.GoUnpark(gp, 2)
			traceRelease(trace)
		}
		pp := getg().m.p.ptr()
		if old := pp.runnext.ptr(); old != nil {
			runqput(pp, old, false)
		}
		pp.runnext.set(gp)
	})
}

// nanotime1 reads the host's virtual clock when the host has enabled it.
func nanotime1() int64 {
	if rfControl.clockMode == rfClockVirtual {
		return rfControl.virtMono
	}
	return nanotime1Stock()
}

// walltime1 reads the host's virtual wall clock when the host has enabled it.
func walltime1() (sec int64, nsec int32) {
	if rfControl.clockMode == rfClockVirtual {
		w := rfControl.virtWall
		return w / 1000000000, int32(w % 1000000000)
	}
	return walltime1Stock()
}
