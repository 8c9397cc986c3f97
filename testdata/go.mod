module reactorframe.test/testdata

go 1.24
