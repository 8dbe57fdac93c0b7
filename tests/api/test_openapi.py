from django.test import SimpleTestCase


class OpenAPITestCase(SimpleTestCase):
    def test_the_schema_is_public_openapi_3_and_names_every_endpoint(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertEqual(
            set(schema["paths"]),
            {
                "/api/v1/laos/",
                "/api/v1/laos/{lao_code}/",
                "/api/v1/completeness/",
                "/api/v1/circulars/",
                "/api/v1/indicators/",
                "/api/v1/indicators/{indicator_code}/values/",
                "/api/v1/changes/",
            },
        )
        self.assertEqual(schema["components"]["securitySchemes"]["bearerToken"]["scheme"], "bearer")
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                with self.subTest(path):
                    self.assertEqual(operation["security"], [{"bearerToken": []}])
                    self.assertTrue(
                        {"200", "304", "400", "401", "404", "429"} <= set(operation["responses"])
                    )

    def test_the_docs_page_lists_the_endpoints_without_a_login(self):
        response = self.client.get("/api/v1/docs/")
        self.assertEqual(response.status_code, 200)
        for path in ("/api/v1/laos/", "/api/v1/completeness/", "/api/v1/openapi.json"):
            self.assertContains(response, path)
        self.assertContains(response, "<code>level</code>")
