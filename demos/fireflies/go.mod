module reactorframe.demo/fireflies

go 1.24
