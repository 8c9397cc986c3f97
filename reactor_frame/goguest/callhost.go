// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

package guest

import (
	"errors"
	"unsafe"
)

// ErrNoHostFunction is matched (with errors.Is) by the error CallHost
// returns when the host has no function by that name that takes bytes.
var ErrNoHostFunction = errors.New("no such host function")

// HostCallError is the error CallHost returns when the host could not call
// the function.
type HostCallError struct {
	Module, Name string
	Reason       string // the host's explanation
}

func (e *HostCallError) Error() string {
	return "guest.CallHost " + e.Module + "." + e.Name + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrNoHostFunction) true.
func (e *HostCallError) Unwrap() error {
	return ErrNoHostFunction
}

// CallHost calls the Python function registered as module.name in the
// host's imports with payload and returns what it returned (str results
// arrive UTF-8 encoded; None arrives as an empty result).
//
// The host function must take no parameter or one annotated bytes or str;
// otherwise, or when there is no such function, CallHost returns a
// *HostCallError. An exception raised by the Python function does not come
// back here: it stops the guest and propagates out of the host's tick.
func CallHost(module, name string, payload []byte) ([]byte, error) {
	var size uint32
	h := hostCall(module, name, unsafe.SliceData(payload), uint32(len(payload)), &size)
	if h == 0 {
		return []byte{}, nil
	}
	answer := make([]byte, size)
	if h < 0 {
		hostTake(-h, unsafe.SliceData(answer))
		return nil, &HostCallError{Module: module, Name: name, Reason: string(answer)}
	}
	hostTake(h, unsafe.SliceData(answer))
	return answer, nil
}
