// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

//go:build wasip1

package runtime

// goReactorRestored is called by the host after it restored a snapshot into
// this instance (memory and globals). The restored heap records the memory
// size at the time of the snapshot as the break of the OS, while the live
// memory may be larger (wasm memory never shrinks). Without this, the
// allocator would grow memory again past the pages it already has, and every
// rollback would leak them.
//
//go:wasmexport go_reactor_restored
func goReactorRestored() {
	blocMax = uintptr(currentMemory()) * physPageSize
}
