// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

package guest

import "unsafe"

// hostCall calls module.name with payload. It writes the size of the answer
// to answerSize and returns a handle to fetch it with hostTake: 0 when the
// answer is empty, h > 0 for a result, h < 0 for an error message (fetch it
// with -h).
//
//go:wasmimport reactor_frame call
func hostCall(module, name string, payload *byte, size uint32, answerSize *uint32) int32

// hostTake copies the answer behind handle to dst and forgets it.
//
//go:wasmimport reactor_frame take
func hostTake(handle int32, dst *byte)

//go:wasmimport reactor_frame share
func hostShare(name string, records unsafe.Pointer, count, stride uint32)
