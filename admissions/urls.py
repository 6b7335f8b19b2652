from django.urls import path

from admissions import views

app_name = "admissions"

urlpatterns = [
    path("questions/", views.ask, name="ask"),
    path("questions/thanks/", views.question_thanks, name="question_thanks"),
    path("open-houses/<int:open_house_id>/register/", views.register, name="register"),
    path("open-houses/registration/<str:token>/", views.registration, name="registration"),
]
