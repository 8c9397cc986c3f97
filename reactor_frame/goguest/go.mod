module reactorframe/guest

go 1.24
