// Interopcheck exercises reactor-frame's interop layer for
// tests/test_interop*.py and benchmarks/bench_interop.py. It imports host
// functions from module "check" (every one must be provided) and exports
// functions that call them, so one export call checks both directions.
//
// Main receives events from guest.Events() and records each in the shared
// slice "received"; kinds 1-4 also act: 1 grows memory by A MiB (shared as
// "big"), 2 appends A records to the shared "records", 3 calls the host's
// check.fail, 4 calls check.reenter.
package main

import (
	"errors"
	"os"
	"runtime"
	"time"
	"unsafe"

	"reactorframe/guest"
)

//go:wasmimport check echo_i32
func echoI32(v int32) int32

//go:wasmimport check echo_i64
func echoI64(v int64) int64

//go:wasmimport check echo_u32
func echoU32(v uint32) uint32

//go:wasmimport check echo_u64
func echoU64(v uint64) uint64

//go:wasmimport check echo_f32
func echoF32(v float32) float32

//go:wasmimport check echo_f64
func echoF64(v float64) float64

//go:wasmimport check echo_bool
func echoBool(v bool) bool

//go:wasmimport check text
func text(s string) int32

//go:wasmimport check blob
func blob(p *byte, n uint32)

//go:wasmimport check noop
func noop()

//go:wasmimport check fail
func fail()

//go:wasmimport check reenter
func reenter()

// Record is one element of the shared slice "records": 24 bytes with
// padding, like np.dtype([("id", "i4"), ("value", "f8"), ("flag", "?")], align=True).
type Record struct {
	ID    int32
	Value float64
	Flag  bool
}

const (
	kindGrow    = 1
	kindAppend  = 2
	kindFail    = 3
	kindReenter = 4
)

// The text sent by send_text: multi-byte UTF-8 of every length.
const unicodeText = "héllo, wörld: ✓ 日本語 🎮 ÆØÅ"

var (
	records  = makeRecords(0, 4)
	received []guest.Event
	big      []byte
	buffer   []byte
	answer   []byte
)

func makeRecords(from, n int) []Record {
	out := make([]Record, n)
	for i := range out {
		id := from + i
		out[i] = Record{ID: int32(id), Value: float64(id) / 4, Flag: id%2 == 1}
	}
	return out
}

func main() {
	guest.Share("records", records)
	for ev := range guest.Events() {
		received = append(received, ev)
		guest.Share("received", received)
		switch ev.Kind {
		case kindGrow:
			big = make([]byte, int(ev.A)<<20)
			for i := range big {
				big[i] = byte(i % 251)
			}
			guest.Share("big", big)
		case kindAppend:
			records = append(records, makeRecords(len(records), int(ev.A))...)
			guest.Share("records", records)
		case kindFail:
			fail()
		case kindReenter:
			reenter()
		}
	}
}

// Round trips: Python -> export argument -> host function -> back.

//go:wasmexport rt_i32
func rtI32(v int32) int32 { return echoI32(v) }

//go:wasmexport rt_i64
func rtI64(v int64) int64 { return echoI64(v) }

//go:wasmexport rt_u32
func rtU32(v uint32) uint32 { return echoU32(v) }

//go:wasmexport rt_u64
func rtU64(v uint64) uint64 { return echoU64(v) }

//go:wasmexport rt_f32
func rtF32(v float32) float32 { return echoF32(v) }

//go:wasmexport rt_f64
func rtF64(v float64) float64 { return echoF64(v) }

//go:wasmexport rt_bool
func rtBool(v bool) bool { return echoBool(v) }

// Plain exports, no host function involved.

//go:wasmexport add_i32
func addI32(a, b int32) int32 { return a + b }

//go:wasmexport mix
func mix(a int32, b int64, c float32, d float64) float64 {
	return float64(a) + float64(b) + float64(c) + d
}

// call_noop calls the host's check.noop n times (the per-call cost).
//
//go:wasmexport call_noop
func callNoop(n int32) {
	for range n {
		noop()
	}
}

// send_text sends unicodeText to check.text and returns what it returned.
//
//go:wasmexport send_text
func sendText() int32 { return text(unicodeText) }

// buffer_at returns the address of a kept buffer of n bytes for the host to
// write into.
//
//go:wasmexport buffer_at
func bufferAt(n uint32) uint32 {
	buffer = make([]byte, n)
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(buffer))))
}

// text_back sends the buffer's first n bytes back as a string to check.text.
//
//go:wasmexport text_back
func textBack(n uint32) int32 { return text(string(buffer[:n])) }

// blob_back sends the buffer's first n bytes back to check.blob.
//
//go:wasmexport blob_back
func blobBack(n uint32) { blob(unsafe.SliceData(buffer), n) }

// buffer_sum adds up the buffer's bytes.
//
//go:wasmexport buffer_sum
func bufferSum() uint64 {
	var sum uint64
	for _, b := range buffer {
		sum += uint64(b)
	}
	return sum
}

// call_host calls check.<which> through guest.CallHost with a payload of n
// bytes (i % 256) and shares the answer as "answer". It returns 0 on
// success, 1 for an error matching guest.ErrNoHostFunction, 2 for any other
// error; an error's text is shared as "answer" too.
//
//go:wasmexport call_host
func callHost(which int32, n uint32) int32 {
	names := []string{"reverse", "upper", "nothing", "missing", "echo_i32"}
	payload := make([]byte, n)
	for i := range payload {
		payload[i] = byte(i)
	}
	if which == 1 {
		payload = []byte(unicodeText)
	}
	out, err := guest.CallHost("check", names[which], payload)
	switch {
	case err == nil:
		answer = out
		guest.Share("answer", answer)
		return 0
	case errors.Is(err, guest.ErrNoHostFunction):
		answer = []byte(err.Error())
		guest.Share("answer", answer)
		return 1
	default:
		return 2
	}
}

// wall_now is the guest's wall clock, in ns since the Unix epoch.
//
//go:wasmexport wall_now
func wallNow() int64 { return time.Now().UnixNano() }

// wait_timer blocks until a timer of ms milliseconds fires.
//
//go:wasmexport wait_timer
func waitTimer(ms int32) int32 {
	<-time.After(time.Duration(ms) * time.Millisecond)
	return ms
}

// wait_worker blocks until another goroutine answers.
//
//go:wasmexport wait_worker
func waitWorker() int32 {
	ch := make(chan int32)
	go func() {
		runtime.Gosched()
		ch <- 42
	}()
	return <-ch
}

// wait_forever blocks on a channel nothing will ever send to.
//
//go:wasmexport wait_forever
func waitForever() int32 {
	return <-make(chan int32)
}

// exit_now exits the program with code.
//
//go:wasmexport exit_now
func exitNow(code int32) int32 {
	os.Exit(int(code))
	return code
}

// share_bad shares records holding a string, which guest.Share refuses.
//
//go:wasmexport share_bad
func shareBad() {
	guest.Share("bad", []struct{ Name string }{{"x"}})
}
