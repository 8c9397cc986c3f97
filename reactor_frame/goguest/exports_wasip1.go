// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

package guest

// The functions the host calls. They exist only on wasm: natively (go vet,
// go test, gopls) nothing calls them.

// pushEvent is how the host pushes an event. It never blocks: it reports
// false, dropping the event, when the queue is full.
//
//go:wasmexport reactor_frame_push_event
func pushEvent(kind, a, b int32, x, y float32) bool {
	select {
	case events <- Event{Kind: kind, A: a, B: b, X: x, Y: y}:
		return true
	default:
		return false
	}
}

// envReset starts an episode and observes its first state.
//
//go:wasmexport reactor_frame_env_reset
func envReset(seed int64) {
	theEnv.env.Reset(seed)
	theEnv.env.Observe(theEnv.obs)
}

// envStep applies an action: index >= 0 for a Discrete space, -1 for a Box
// one (the values are in the shared action buffer). The reward goes to the
// shared reward buffer; the result holds the envTerminated and envTruncated
// flags. With observe != 0 the new observation is written too.
//
//go:wasmexport reactor_frame_env_step
func envStep(index int32, observe int32) int32 {
	reward, terminated, truncated := theEnv.env.Step(theEnv.actionFor(index))
	theEnv.reward[0] = reward
	if observe != 0 {
		theEnv.env.Observe(theEnv.obs)
	}
	var flags int32
	if terminated {
		flags |= envTerminated
	}
	if truncated {
		flags |= envTruncated
	}
	return flags
}

// envObserve writes the current observation to the shared buffer.
//
//go:wasmexport reactor_frame_env_observe
func envObserve() {
	theEnv.env.Observe(theEnv.obs)
}

// envRender draws a frame into the shared frame buffer.
//
//go:wasmexport reactor_frame_env_render
func envRender() {
	theEnv.renderer.Render(theEnv.frame)
}
