"""A small sandbox built on the framework, as a new API's sandbox would be (the README's example)."""

from __future__ import annotations

from typing import Any

from verifiedfan.testing.sandbox import ApiSandbox, Request, Response, SandboxApp, route


class PetsApp(SandboxApp):
    kind = "pets"
    realm = "pets"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_client("pets-client", "pets-secret")
        self.pets = {"1": {"id": "1", "name": "Rex"}, "2": {"id": "2", "name": "Tom"}}

    @route("POST", "/oauth/token", faults=False)
    def token(self, request: Request) -> Response:
        return self.oauth_token(request)

    @route("GET", "/v1/pets/{pet_id}")
    def pet(self, request: Request, pet_id: str) -> Response:
        grant = self.bearer(request, allow_app=True)
        if isinstance(grant, Response):
            return grant
        pet = self.pets.get(pet_id)
        return Response.json(pet) if pet else self.error(404, "no such pet")

    @route("POST", "/v1/pets")
    @route("PUT", "/v1/pets")
    def add(self, request: Request) -> Response:
        body = request.json()
        self.pets[body["id"]] = body
        return Response.json(body, 201)

    @route("GET", "/v1/owners/{owner}/pets/{pet_id}")
    def owned(self, request: Request, owner: str, pet_id: str) -> Response:
        return Response.json({"owner": owner, "pet": pet_id})


class PetsSandbox(ApiSandbox):
    app_class = PetsApp
