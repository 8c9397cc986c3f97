// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

// Package guest lets a Go program hosted by reactor-frame talk to its Python
// host without unsafe code of its own.
//
// Programs import it as "reactorframe/guest". It is a Go module shipped
// inside the reactor_frame Python package, not one to download:
// "reactor-frame build" wires the shipped copy into every build (through a
// copy of the program's go.mod), so a program needs no set-up to build. For
// go vet, go test and editors, a program's go.mod names it with a replace
// line, which "reactor-frame new" writes and "reactor-frame new
// --print-replace" prints. Natively the host functions are stand-ins: Share
// publishes nothing and CallHost reports that there is no host.
//
// Three channels connect a program and its host:
//
//   - Input events: the host pushes Event values (r.events.push in Python);
//     the program receives them from Events, in any goroutine.
//   - Shared records: Share publishes a slice of plain records; the host reads
//     them in place between ticks (r.shared(name) in Python, as a memoryview
//     or a numpy array), with no copy and no call into the guest.
//   - Host calls: CallHost calls a Python function registered in the host's
//     imports with bytes and returns the bytes it returned. Host functions
//     with scalar or string parameters can also be declared directly with
//     //go:wasmimport.
//
// The guest is single-threaded and the host only runs between ticks or
// during a call the guest makes, so none of these need locking by the
// program.
package guest
