package main

import "reactorframe/guest"

// Event kinds, mirroring reactor_frame.integrations.events.EventKind.
const (
	kindKeyDown    = 1 // A: key code, B: modifiers
	kindKeyUp      = 2 // A: key code, B: modifiers
	kindMouseMove  = 3 // X, Y: position; A: buttons held (bit 0 left, 1 middle, 2 right)
	kindMouseDown  = 4 // A: button; X, Y: position
	kindMouseUp    = 5 // A: button; X, Y: position
	kindMouseWheel = 6 // A: horizontal, B: vertical steps (up is positive); X, Y: position
)

// Mouse buttons and key codes (SDL key codes, which pygame reports).
const (
	buttonLeft  = 1
	buttonRight = 3

	keyBackspace = 8
	keySpace     = ' '
	keyA         = 'a'
	keyR         = 'r'
	keyDown      = 0x40000051
	keyUp        = 0x40000052
)

const (
	couplingStep = 0.02
	spawnCount   = 30
	cullCount    = 30
)

// handle applies one input event from the host.
func (w *world) handle(ev guest.Event) {
	x, y := float64(ev.X), float64(ev.Y)
	switch ev.Kind {
	case kindMouseMove:
		w.setCursor(x, y)
	case kindMouseDown:
		w.setCursor(x, y)
		switch ev.A {
		case buttonLeft:
			w.scatter(x, y)
		case buttonRight:
			w.setAttract(true)
		}
	case kindMouseUp:
		if ev.A == buttonRight {
			w.setAttract(false)
		}
	case kindMouseWheel:
		w.adjustCoupling(float64(ev.B) * couplingStep / 2)
	case kindKeyDown:
		w.key(ev.A)
	}
	w.counted()
}

// key applies a key press.
func (w *world) key(code int32) {
	switch code {
	case keyUp:
		w.adjustCoupling(couplingStep)
	case keyDown:
		w.adjustCoupling(-couplingStep)
	case keySpace:
		x, y := w.cursor()
		w.spawn(spawnCount, x, y, 50, 35)
	case keyBackspace:
		w.cull(cullCount)
	case keyR:
		w.scramble()
	case keyA:
		w.toggleAttract()
	}
}
