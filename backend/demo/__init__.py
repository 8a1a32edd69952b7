"""The demo of `make run` (`meitong run`): the seeded demo region and its chain, the simulated
weighbridge lane, the demo trucks and their road.

Production start-up (backend.app, `meitong serve`, the worker, the gateway) never imports this
package (import-linter contract 6); `meitong run` serves backend.demo.asgi, which hands the demo's
lifespan to create_app.

    seed.py    the idempotent demo region: organisations, sites, people, vehicles, zones
    chain.py   the demo contract and today's pickup orders on it
    lane.py    the simulated weighbridge lane and its truck traffic
    fleet.py   the demo trucks' JT/T 808 terminals on the road
    road.py    the road from the demo mine to the plant (pure geometry)
    lifespan.py, asgi.py   how `meitong run` switches the lane and the trucks on
"""
