// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

package guest

// Event is one input event pushed by the host. The meaning of the fields is
// up to the program: Kind usually says what happened, A and B carry integers
// (a key code, a button), X and Y carry coordinates.
type Event struct {
	Kind, A, B int32
	X, Y       float32
}

// Event kinds the host's input bridge pushes (reactor_frame.integrations.EventKind
// in Python; a test keeps the two equal). Kinds from KindUser up are free for
// an application's own events.
const (
	KindKeyDown      = 1 // A: key code, B: modifier bits
	KindKeyUp        = 2 // A: key code, B: modifier bits
	KindMouseMove    = 3 // A: buttons held; X, Y: pointer position
	KindMouseDown    = 4 // A: button; X, Y: pointer position
	KindMouseUp      = 5 // A: button; X, Y: pointer position
	KindMouseWheel   = 6 // A, B: horizontal, vertical steps; X, Y: pointer position
	KindWindowResize = 7 // A, B: new width, height
	KindUser         = 1000
)

// EventQueueSize is how many pushed events can wait to be received (one more
// may be handed straight to a goroutine already waiting in a receive). When
// the queue is full the host's push fails and the event is dropped.
const EventQueueSize = 256

var events = make(chan Event, EventQueueSize)

// Events returns the queue of events pushed by the host. Every call returns
// the same channel; it is never closed.
func Events() <-chan Event {
	return events
}
