// Copyright 2026 The reactor-frame Authors. All rights reserved.
// Use of this source code is governed by an MIT-style license.

package guest

import (
	"reflect"
	"sync"
	"unsafe"
)

var (
	sharedMu sync.Mutex
	// shared keeps every published slice reachable, so the garbage collector
	// never frees memory the host is reading.
	shared = map[string]any{}
)

// Share publishes records under name for the host to read in place.
//
// The host sees the slice's current length and backing array: changes to
// the elements are visible without calling Share again, but after an append
// that reallocates, or any change of length, call Share again with the new
// slice. Until then the host keeps reading the old array, which Share keeps
// alive.
//
// T must have a fixed layout without pointers: booleans, sized numbers,
// arrays and structs of them. Prefer int32, uint32, float32 and float64 to
// int, which is 8 bytes on wasm. Share panics for any other T (strings,
// slices, maps, pointers, interfaces...), since the host could not read it.
func Share[T any](name string, records []T) {
	t := reflect.TypeFor[T]()
	if t.Size() == 0 {
		panic("guest.Share(" + quote(name) + "): " + t.String() + " has size 0")
	}
	if what := pointerIn(t); what != "" {
		panic("guest.Share(" + quote(name) + "): " + t.String() + " contains " + what +
			"; share only booleans, numbers, and arrays or structs of them")
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	shared[name] = records
	hostShare(name, unsafe.Pointer(unsafe.SliceData(records)), uint32(len(records)), uint32(t.Size()))
}

// pointerIn describes the first part of t the host cannot read as plain
// memory, or returns "" when there is none.
func pointerIn(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return ""
	case reflect.Array:
		return pointerIn(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if what := pointerIn(f.Type); what != "" {
				return what + " (field " + f.Name + ")"
			}
		}
		return ""
	default:
		return "a " + t.Kind().String()
	}
}

func quote(s string) string {
	return `"` + s + `"`
}
