Feature: Calling an HTTP service as a user
  A small FastAPI service behind the verifiedfan.web middlewares: a token with permissions, the
  error shape for refusals, and the JSON schema of its answers.

  Background:
    Given the variable "email" is "fan-${run_id}@example.com"

  Scenario: A user with the permission reads and writes
    When I call GET "/me" as a user with permissions "EDIT, PUBLISH"
    Then the response status is 200
    And the response body matches:
      """
      {"permissions": ["EDIT", "PUBLISH"]}
      """
    And the response body matches the JSON schema "schemas/me.schema.json"
    When I call POST "/campaigns" as a user with permissions "EDIT" with body:
      """
      {"name": "Presale for ${email}"}
      """
    Then the response status is 201
    And it has fields:
      | field | value                        |
      | name  | Presale for ${email}         |

  Scenario: Refusals come in the error shape
    When I call GET "/me" as an anonymous caller
    Then the response status is 401
    And the response body matches the JSON schema "schemas/error.schema.json"
    When I call POST "/campaigns" as a user with permissions "PUBLISH" with body:
      """
      {"name": "x"}
      """
    Then the response status is 403
    And the response body matches:
      | field   | value                       |
      | message | missing permission(s): EDIT |
    When I call POST "/campaigns" as a user with permissions "EDIT" with body:
      """
      {"name": 42, "admin": true}
      """
    Then the response status is 400
    And the response body matches the JSON schema "schemas/error.schema.json"

  Scenario: Workers call internal routes
    When I call GET "/internal" as a worker
    Then the response status is 200
    And the response body matches:
      """
      {"worker": "campaign-worker"}
      """
