// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

package guest

import (
	"math"
	"strconv"
	"strings"
)

// Env is a simulation the host drives as a Gymnasium environment
// (reactor_frame.sim.GoEnv in Python). A program implements it and calls
// RegisterEnv from main.
//
// The host calls the methods between ticks, one at a time, on the guest's
// only thread: Spec once at registration, then Reset at the start of every
// episode and Step once per environment step, each followed by Observe.
type Env interface {
	// Spec describes the action and observation spaces. It is read once,
	// when the environment is registered.
	Spec() Spec
	// Reset starts a new episode. seed is the only source of randomness the
	// episode should use: the same seed gives the same episode.
	Reset(seed int64)
	// Step applies one action and advances the simulation by one step. It
	// reports the step's reward, whether the episode ended inside the
	// simulation (terminated: the pole fell, the goal was reached) and
	// whether it was cut short from outside (truncated: a step limit).
	Step(action Action) (reward float64, terminated, truncated bool)
	// Observe writes the current observation into obs, whose length is the
	// number of elements of the observation space, in row-major order.
	Observe(obs []float32)
}

// Renderer is implemented by environments that can draw themselves. Render
// fills frame with RenderHeight rows of RenderWidth RGB pixels (3 bytes
// each, row-major), the size the Spec declares.
type Renderer interface {
	Render(frame []byte)
}

// Action is one action given to Env.Step: Index for a Discrete action
// space, Values (row-major, the space's shape) for a Box one.
type Action struct {
	Index  int
	Values []float32
}

// Space is an action or observation space: build one with DiscreteSpace or
// BoxSpace.
type Space struct {
	discrete  bool
	n         int
	shape     []int
	low, high []float32
}

// DiscreteSpace is the space of the n actions 0, 1, ..., n-1. It is valid
// for actions only.
func DiscreteSpace(n int) Space {
	if n < 1 {
		panic("guest.DiscreteSpace: n must be at least 1, not " + strconv.Itoa(n))
	}
	return Space{discrete: true, n: n}
}

// BoxSpace is the space of float32 arrays of the given shape whose elements
// lie between low and high (inclusive; math.Inf bounds are allowed). low and
// high hold one bound per element, in row-major order; the shape defaults
// to one dimension of len(low) elements.
func BoxSpace(low, high []float32, shape ...int) Space {
	if len(shape) == 0 {
		shape = []int{len(low)}
	}
	size := 1
	for _, d := range shape {
		if d < 1 {
			panic("guest.BoxSpace: every dimension must be at least 1")
		}
		size *= d
	}
	if len(low) != size || len(high) != size {
		panic("guest.BoxSpace: low and high need " + strconv.Itoa(size) +
			" bounds each (one per element), not " + strconv.Itoa(len(low)) + " and " + strconv.Itoa(len(high)))
	}
	for i := range low {
		if !(low[i] <= high[i]) {
			panic("guest.BoxSpace: low[" + strconv.Itoa(i) + "] is above high[" + strconv.Itoa(i) + "]")
		}
	}
	return Space{shape: append([]int(nil), shape...), low: append([]float32(nil), low...),
		high: append([]float32(nil), high...)}
}

// size is the number of float32 elements of a Box space (0 for Discrete).
func (s Space) size() int {
	if s.discrete {
		return 0
	}
	return len(s.low)
}

// Spec describes an environment to its host.
type Spec struct {
	Action      Space // DiscreteSpace or BoxSpace
	Observation Space // BoxSpace: observations are float32 arrays
	// StepMs is the simulated time one step covers, in milliseconds. When it
	// is above 0, the host advances its virtual clock by that much after
	// every Step, running the goroutines and timers due, before Observe.
	// 0 (the default) means Step does all of a step's work itself.
	StepMs float64
	// RenderWidth and RenderHeight are the size of rendered frames in
	// pixels; both 0 when the environment does not render. A Renderer must
	// declare them.
	RenderWidth, RenderHeight int
	// RenderFPS is the frame rate a viewer should show frames at.
	RenderFPS int
}

// Names of the buffers RegisterEnv shares with the host.
const (
	envSpecName   = "reactor_frame.env.spec"
	envObsName    = "reactor_frame.env.obs"
	envActionName = "reactor_frame.env.action"
	envRewardName = "reactor_frame.env.reward"
	envFrameName  = "reactor_frame.env.frame"
)

// Flags returned by the step export.
const (
	envTerminated = 1
	envTruncated  = 2
)

type registeredEnv struct {
	env      Env
	renderer Renderer
	obs      []float32
	action   []float32
	reward   []float64
	frame    []byte
}

var theEnv *registeredEnv

// RegisterEnv makes env the environment the host drives. Call it once, from
// main; main may then return, or go on running goroutines the environment
// needs. RegisterEnv panics when called twice or when the Spec is invalid
// (a Discrete observation space, a Renderer without a frame size).
func RegisterEnv(env Env) {
	if theEnv != nil {
		panic("guest.RegisterEnv: an environment is already registered")
	}
	spec := env.Spec()
	if spec.Observation.discrete || spec.Observation.size() == 0 {
		panic("guest.RegisterEnv: the observation space must be a BoxSpace")
	}
	if !spec.Action.discrete && spec.Action.size() == 0 {
		panic("guest.RegisterEnv: the action space must be a DiscreteSpace or a BoxSpace")
	}
	if spec.StepMs < 0 || math.IsNaN(spec.StepMs) || math.IsInf(spec.StepMs, 0) {
		panic("guest.RegisterEnv: StepMs must be a finite number >= 0")
	}
	renderer, _ := env.(Renderer)
	if renderer != nil && (spec.RenderWidth < 1 || spec.RenderHeight < 1) {
		panic("guest.RegisterEnv: the environment renders but its Spec has no RenderWidth and RenderHeight")
	}
	if renderer == nil {
		spec.RenderWidth, spec.RenderHeight = 0, 0
	}
	e := &registeredEnv{
		env:      env,
		renderer: renderer,
		obs:      make([]float32, spec.Observation.size()),
		action:   make([]float32, max(spec.Action.size(), 1)),
		reward:   make([]float64, 1),
	}
	if renderer != nil {
		e.frame = make([]byte, spec.RenderWidth*spec.RenderHeight*3)
		Share(envFrameName, e.frame)
	}
	Share(envObsName, e.obs)
	Share(envActionName, e.action)
	Share(envRewardName, e.reward)
	theEnv = e
	// The spec goes last: the host takes it as the sign of registration.
	Share(envSpecName, []byte(specJSON(spec)))
}

func (e *registeredEnv) actionFor(index int32) Action {
	if index < 0 {
		return Action{Values: e.action}
	}
	return Action{Index: int(index)}
}

// specJSON encodes the spec for the host. Infinite bounds, which JSON
// numbers cannot express, are written as the strings "inf" and "-inf".
func specJSON(s Spec) string {
	var b strings.Builder
	b.WriteString(`{"version":1,"action":`)
	spaceJSON(&b, s.Action)
	b.WriteString(`,"observation":`)
	spaceJSON(&b, s.Observation)
	b.WriteString(`,"step_ms":`)
	b.WriteString(strconv.FormatFloat(s.StepMs, 'g', -1, 64))
	b.WriteString(`,"render_width":` + strconv.Itoa(s.RenderWidth))
	b.WriteString(`,"render_height":` + strconv.Itoa(s.RenderHeight))
	b.WriteString(`,"render_fps":` + strconv.Itoa(s.RenderFPS))
	b.WriteString("}")
	return b.String()
}

func spaceJSON(b *strings.Builder, s Space) {
	if s.discrete {
		b.WriteString(`{"kind":"discrete","n":` + strconv.Itoa(s.n) + "}")
		return
	}
	b.WriteString(`{"kind":"box","shape":[`)
	for i, d := range s.shape {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteString(`],"low":`)
	boundsJSON(b, s.low)
	b.WriteString(`,"high":`)
	boundsJSON(b, s.high)
	b.WriteString("}")
}

func boundsJSON(b *strings.Builder, values []float32) {
	b.WriteByte('[')
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case math.IsInf(float64(v), 1):
			b.WriteString(`"inf"`)
		case math.IsInf(float64(v), -1):
			b.WriteString(`"-inf"`)
		default:
			b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
	}
	b.WriteByte(']')
}
