"""TanBao's core: plan, store, calculations, checks and exchange. Never imports Qt."""
