// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build !wasip1

package guest

import "unsafe"

// Native stand-ins for the host's functions, so that go vet, go test and
// gopls can load programs that import this package on the developer's own
// platform. A program built natively runs without a host: Share publishes
// nothing, CallHost reports that there is no host, and Events never
// delivers.

const noHost = "not running under reactor-frame (this is a native build; " +
	"build the program with `reactor-frame build`)"

func hostCall(module, name string, payload *byte, size uint32, answerSize *uint32) int32 {
	*answerSize = uint32(len(noHost))
	return -1
}

func hostTake(handle int32, dst *byte) {
	copy(unsafe.Slice(dst, len(noHost)), noHost)
}

func hostShare(name string, records unsafe.Pointer, count, stride uint32) {}
