"""TanBao's window: Qt only, over the `model` package."""
