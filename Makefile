# audioamp: one command to set up and run the demo, one to set up and run the tests.
SWIFT ?= swift
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_OUT ?= demo-out

.PHONY: deps pydeps build release test demo bench clean

deps:
	@bash scripts/install-deps.sh

# The Python peer tools the tests compare against (lhotse, datasets, webdataset, pystoi, ...).
pydeps:
	@bash scripts/install-python-tools.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Builds and runs every test (Swift Testing).
test: deps pydeps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Runs recipes/phone.yaml on the bundled sample corpus; outputs in $(DEMO_OUT)/.
demo: release
	$(SWIFT) run -c release audioamp recipe check recipes/*.yaml
	$(SWIFT) run -c release audioamp mix --recipe recipes/phone.yaml --input corpus/manifest.jsonl \
	  --output $(DEMO_OUT) --variants 5 --seed 7 --jobs $(JOBS) --overwrite
	$(SWIFT) run -c release audioamp review $(DEMO_OUT) --sample 24 --stratify snr --input corpus/manifest.jsonl
	$(SWIFT) run -c release audioamp mix --recipe recipes/far-field.yaml --input corpus/manifest.jsonl \
	  --output $(DEMO_OUT)-far-field --variants 1 --seed 7 --jobs $(JOBS) --overwrite
	$(SWIFT) run -c release audioamp review $(DEMO_OUT)-far-field --sample 8 --input corpus/manifest.jsonl
	@echo "demo: listen to $(DEMO_OUT)/audio/*.wav; parameters per file in $(DEMO_OUT)/manifest.jsonl;"
	@echo "      listening reports (clean vs augmented, spectrograms) in $(DEMO_OUT)/review/index.html and,"
	@echo "      for reverberant far-field speech, $(DEMO_OUT)-far-field/review/index.html"

# Realtime factors per effect and for the phone pipeline, beside SoX on the same files.
bench: release
	$(SWIFT) run -c release audioamp-bench

clean:
	rm -rf .build $(DEMO_OUT)
